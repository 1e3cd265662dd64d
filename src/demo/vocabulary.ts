/**
 * Word lists for the demo shop. They deliberately mix English, CJK, accents, apostrophes, quotes,
 * backslashes, newlines and multi-code-point emoji, because every layer between MySQL and a
 * GraphQL response (utf8mb4, CDC encoders, JSON, Redis, Elasticsearch) must carry them unchanged.
 * Changing a list changes the generated rows for every seed.
 */

/** [Chinese, English] pairs; top-level categories. */
export const rootCategoryNames: readonly (readonly [string, string])[] = [
  ['数码', 'Electronics'],
  ['家居', 'Home & Living'],
  ['美妆', 'Beauty'],
  ['运动', 'Sports'],
  ['食品', 'Food'],
  ['服饰', 'Fashion'],
  ['母婴', 'Baby'],
  ['图书', 'Books'],
];

export const subCategoryNames: readonly (readonly [string, string])[] = [
  ['耳机', 'Headphones'],
  ['键盘', 'Keyboards'],
  ['厨具', 'Kitchen'],
  ['茶饮', 'Tea & Coffee'],
  ['护肤', 'Skincare'],
  ['户外', 'Outdoor'],
  ['鞋靴', 'Shoes'],
  ['玩具', 'Toys'],
  ['灯具', 'Lighting'],
  ['宠物', 'Pets'],
  ['箱包', 'Bags'],
  ['健身', 'Fitness'],
  ['零食', 'Snacks'],
  ['收纳', 'Storage'],
];

export const brands: readonly string[] = [
  'Anker',
  '小米 Xiaomi',
  'Muji 无印良品',
  'Sony',
  'Huawei',
  'Nike',
  '李宁 Li-Ning',
  'Haier',
  'Tiger 虎牌',
  'Zojirushi',
  'Logitech',
  'Uniqlo',
  'Philips',
  '三只松鼠',
  '元气森林',
  'Keychron',
  'Patagonia',
  "O'Neill",
  'Café Nero',
  'Zoë & Co',
  'Lego',
  'Decathlon',
];

/** [Chinese, English] product nouns. */
export const productNouns: readonly (readonly [string, string])[] = [
  ['无线蓝牙耳机', 'Wireless Earbuds'],
  ['保温杯', 'Insulated Mug'],
  ['机械键盘', 'Mechanical Keyboard'],
  ['手冲咖啡壶', 'Pour-over Kettle'],
  ['瑜伽垫', 'Yoga Mat'],
  ['充电宝', 'Power Bank'],
  ['空气炸锅', 'Air Fryer'],
  ['运动手环', 'Fitness Band'],
  ['双肩包', 'Backpack'],
  ['防晒霜', 'Sunscreen'],
  ['龙井绿茶', 'Longjing Green Tea'],
  ['登山鞋', 'Hiking Boots'],
  ['护眼台灯', 'Desk Lamp'],
  ['电动牙刷', 'Electric Toothbrush'],
  ['香薰蜡烛', 'Scented Candle'],
  ['真丝枕套', 'Silk Pillowcase'],
  ['冻干猫粮', 'Freeze-dried Cat Food'],
  ['拼装积木', 'Building Blocks'],
  ['陶瓷碗', 'Ceramic Bowl'],
  ['智能手表', 'Smart Watch'],
  ['坚果礼盒', 'Mixed Nuts Gift Box'],
  ['收纳箱', 'Storage Box'],
];

export const productModifiers: readonly string[] = [
  'Pro',
  'Max',
  'Lite',
  'Mini',
  'Plus',
  'Gen 2',
  '2025款',
  '经典款',
  '旗舰版',
  '500ml',
  'Limited Edition',
  'XL',
];

export const descriptionFragments: readonly string[] = [
  'Perfect for your morning coffee ☕',
  '降噪效果出色，通勤必备 🎧',
  'Ships within 24h 🚚',
  '买二送一 🎁',
  'Made from recycled materials ♻️',
  '适合送礼，精美包装。',
  'Limited stock — order now!',
  '续航长达 30 小时 🔋',
  'Dishwasher safe.',
  '官方正品，全国联保',
  'Rated ⭐⭐⭐⭐⭐ by 1,000+ reviewers',
  'Family size 👨‍👩‍👧',
  'Size guide: 5" × 7" (see the \\metric\\ table).',
  'Care:\n- hand wash\n- dry flat',
  "Don't microwave the lid.",
  '日本进口原料，口感细腻 🍵',
];

export const tags: readonly string[] = [
  'new',
  'sale',
  '包邮',
  '热卖',
  'eco',
  'gift',
  'limited',
  '新品',
  'bestseller',
  'imported',
  '限时折扣',
  'vegan',
];

export const colors: readonly string[] = ['black', 'white', '黑色', '白色', 'Midnight Blue', '玫瑰金', 'sage green'];
export const materials: readonly string[] = ['cotton', 'stainless steel', '陶瓷', 'ABS', 'bamboo 竹', 'silk'];
export const origins: readonly string[] = ['CN', 'JP', 'US', 'DE', 'VN', 'KR'];

export const chineseSurnames: readonly string[] = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '欧阳'];
export const chineseGivenNames: readonly string[] = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '婷', '晓明', '子涵'];
/** [display name, ASCII form for e-mail local parts]. */
export const westernFirstNames: readonly (readonly [string, string])[] = [
  ['Alice', 'alice'],
  ['Bob', 'bob'],
  ['Diego', 'diego'],
  ['Emma', 'emma'],
  ['Farah', 'farah'],
  ['Kenji', 'kenji'],
  ['Lucía', 'lucia'],
  ['Olivia', 'olivia'],
  ['Noah', 'noah'],
  ['Zoë', 'zoe'],
];
export const westernLastNames: readonly (readonly [string, string])[] = [
  ['Smith', 'smith'],
  ['Wong', 'wong'],
  ['García', 'garcia'],
  ['Müller', 'mueller'],
  ['Tanaka', 'tanaka'],
  ["O'Brien", 'obrien'],
  ['Kim', 'kim'],
  ['Nguyen', 'nguyen'],
];
export const emailDomains: readonly string[] = ['example.com', 'example.cn', 'mail.example.org'];
